{{%AUTOESCAPE context="HTML"}}<h1>Change your password</h1>
{{#DONE}}<p class="notice" role="status">Your password was changed. Every other browser logged in to your account was logged out, and your addresses and phones were told.</p>{{/DONE}}
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<p>The new password works at once. Every other browser logged in to your account is logged out, and every address and phone of the account is told.</p>
<form method="post" action="{{BASE}}/account/password">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="password">Your current password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required></p>
<p><label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="256"
 aria-describedby="new-password-help">
<small id="new-password-help">8 to 256 characters. A few unrelated words make a strong one.</small></p>
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_CODE}}
<p><button type="submit">Change the password</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
