{{%AUTOESCAPE context="HTML"}}<h1>Log in</h1>
{{#EMAIL_DONE}}<p class="notice" role="status">Your new address is confirmed and in force.</p>{{/EMAIL_DONE}}
{{#REVERTED}}<p class="notice" role="status">Your old address is back, and every session was logged out. If you did not make the change, reset your password now.</p>{{/REVERTED}}
{{#RESET_DONE}}<p class="notice" role="status">Your new password is in force, and every session was logged out. Log in with the new password.</p>{{/RESET_DONE}}
{{#VERIFIED}}<p class="notice" role="status">Your address is verified. You can log in now.</p>{{/VERIFIED}}
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<form method="post" action="{{BASE}}/login">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_NEXT}}<input type="hidden" name="next" value="{{NEXT}}">{{/HAS_NEXT}}
<p><label for="username">Username or email address</label>
<input id="username" name="username" value="{{USERNAME}}" required
 autocomplete="username" autocapitalize="none" spellcheck="false"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" required
 autocomplete="current-password"></p>
<p><button type="submit">Log in</button></p>
</form>
<p><a href="{{BASE}}/reset">Forgot your password?</a></p>
<p>New here? <a href="{{BASE}}/signup">Create an account</a>.</p>
