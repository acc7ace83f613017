{{%AUTOESCAPE context="HTML"}}<h1>Forgotten password</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_USERNAME}}<li><a href="#username">Username or email address</a>: {{MESSAGE}}</li>{{/ERR_USERNAME}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>Type your username or email address. If there is an account, we send a separate code to each of its confirmed addresses and phones.</p>
<form method="post" action="{{BASE}}/reset">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="username">Username or email address</label>
<input id="username" name="username" value="{{USERNAME}}" required maxlength="254"
 autocomplete="username" autocapitalize="none" spellcheck="false"{{#ERR_USERNAME}} aria-invalid="true" aria-describedby="username-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_USERNAME}}></p>
{{#ERR_USERNAME}}<p class="field-error" id="username-error">{{MESSAGE}}</p>{{/ERR_USERNAME}}
<p><button type="submit">Send codes</button></p>
</form>
