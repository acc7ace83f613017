{{%AUTOESCAPE context="HTML"}}<h1>Forgotten password</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<p>Type your username or email address. If there is an account, we send a separate code to each of its confirmed addresses and phones.</p>
<form method="post" action="{{BASE}}/reset">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="username">Username or email address</label>
<input id="username" name="username" value="{{USERNAME}}" required maxlength="254"
 autocomplete="username" autocapitalize="none" spellcheck="false"></p>
<p><button type="submit">Send codes</button></p>
</form>
