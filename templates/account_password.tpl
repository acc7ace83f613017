{{%AUTOESCAPE context="HTML"}}<h1>Change your password</h1>
{{#DONE}}<p class="notice" role="status">Your password was changed. Every other browser logged in to your account was logged out, and your addresses and phones were told.</p>{{/DONE}}
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_PASSWORD}}<li><a href="#password">Your current password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#ERR_NEW_PASSWORD}}<li><a href="#new_password">New password</a>: {{MESSAGE}}</li>{{/ERR_NEW_PASSWORD}}{{#ERR_CODE}}<li><a href="#code">Code from your authenticator app</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>The new password works at once. Every other browser logged in to your account is logged out, and every address and phone of the account is told.</p>
<form method="post" action="{{BASE}}/account/password">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="password">Your current password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required{{#ERR_PASSWORD}} aria-invalid="true" aria-describedby="password-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
<p><label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="256"
 aria-describedby="new-password-help{{#ERR_NEW_PASSWORD}} new_password-error{{/ERR_NEW_PASSWORD}}"{{#ERR_NEW_PASSWORD}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_NEW_PASSWORD}}>
<small id="new-password-help">8 to 256 characters. A few unrelated words make a strong one.</small></p>
{{#ERR_NEW_PASSWORD}}<p class="field-error" id="new_password-error">{{MESSAGE}}</p>{{/ERR_NEW_PASSWORD}}
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}{{/NEED_CODE}}
<p><button type="submit">Change the password</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
