{{%AUTOESCAPE context="HTML"}}<h1>Log in</h1>
{{#EMAIL_DONE}}<p class="notice" role="status">Your new address is confirmed and in force.</p>{{/EMAIL_DONE}}
{{#REVERTED}}<p class="notice" role="status">Your old address is back, and every session was logged out. If you did not make the change, reset your password now.</p>{{/REVERTED}}
{{#RESET_DONE}}<p class="notice" role="status">Your new password is in force, and every session was logged out. Log in with the new password.</p>{{/RESET_DONE}}
{{#VERIFIED}}<p class="notice" role="status">Your address is verified. You can log in now.</p>{{/VERIFIED}}
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_USERNAME}}<li><a href="#username">Username or email address</a>: {{MESSAGE}}</li>{{/ERR_USERNAME}}{{#ERR_PASSWORD}}<li><a href="#password">Password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<form method="post" action="{{BASE}}/login">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_NEXT}}<input type="hidden" name="next" value="{{NEXT}}">{{/HAS_NEXT}}
<p><label for="username">Username or email address</label>
<input id="username" name="username" value="{{USERNAME}}" required
 autocomplete="username" autocapitalize="none" spellcheck="false"{{#ERR_USERNAME}} aria-invalid="true" aria-describedby="username-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_USERNAME}}></p>
{{#ERR_USERNAME}}<p class="field-error" id="username-error">{{MESSAGE}}</p>{{/ERR_USERNAME}}
<p><label for="password">Password</label>
<input id="password" name="password" type="password" required
 autocomplete="current-password"{{#ERR_PASSWORD}} aria-invalid="true" aria-describedby="password-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
<p><button type="submit">Log in</button></p>
</form>
<p><a href="{{BASE}}/reset">Forgot your password?</a></p>
<p>New here? <a href="{{BASE}}/signup">Create an account</a>.</p>
