{{%AUTOESCAPE context="HTML"}}<h1>Export your data</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_PASSWORD}}<li><a href="#password">Your password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#ERR_CODE}}<li><a href="#code">Code from your authenticator app</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>Download what Postern keeps about your account as a JSON file: your profile, recovery contacts, domains, sessions and activity. It holds no password, secret or code.</p>
<form method="post" action="{{BASE}}/account/export">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required
 aria-describedby="password-help{{#ERR_PASSWORD}} password-error{{/ERR_PASSWORD}}"{{#ERR_PASSWORD}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}>
<small id="password-help">Your contacts are in it, so the export needs your password{{#NEED_CODE}} and a code from your authenticator{{/NEED_CODE}}.</small></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}{{/NEED_CODE}}
<p><button type="submit">Download my data</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
