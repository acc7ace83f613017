{{%AUTOESCAPE context="HTML"}}<h1>Create an account</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<form method="post" action="{{BASE}}/signup">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="username">Username</label>
<input id="username" name="username" value="{{USERNAME}}" required
 autocomplete="username" autocapitalize="none" spellcheck="false"
 minlength="3" maxlength="32" aria-describedby="username-help">
<small id="username-help">3 to 32 characters: a–z, 0–9, dot, underscore or hyphen.</small></p>
<p><label for="email">Email address</label>
<input id="email" name="email" type="email" value="{{EMAIL}}" required
 autocomplete="email" maxlength="254"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" required
 autocomplete="new-password" minlength="8" maxlength="256"
 aria-describedby="password-help">
<small id="password-help">At least 8 characters. A few unrelated words make a strong password.</small></p>
<p><button type="submit">Create account</button></p>
</form>
<p>Already have an account? <a href="{{BASE}}/login">Log in</a>.</p>
