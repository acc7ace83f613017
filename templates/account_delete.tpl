{{%AUTOESCAPE context="HTML"}}<h1>Delete your account</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_PASSWORD}}<li><a href="#password">Your password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#ERR_CODE}}<li><a href="#code">Code from your authenticator app</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
{{#PENDING}}<p class="warning" role="status" id="delete-status">Your account will be deleted on <time datetime="{{WHEN_ISO}}">{{WHEN}}</time>. Every address and phone of the account was sent a link that cancels it; the banner on this page cancels it too.</p>{{/PENDING}}
{{#NOT_PENDING}}<p>Deleting the account removes it and everything in it: your recovery contacts, domains, sessions and activity. You can <a href="{{BASE}}/account/export">export your data</a> first.</p>
<p>The deletion waits a while before it takes effect, and every address and phone of the account is told at once, with a link that cancels it: if someone else learnt your password, you have time to stop them.</p>
<form method="post" action="{{BASE}}/account/delete">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required{{#ERR_PASSWORD}} aria-invalid="true" aria-describedby="password-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}{{/NEED_CODE}}
<p><button type="submit">Delete my account</button></p>
</form>{{/NOT_PENDING}}
<p><a href="{{BASE}}/account">Back to your account</a></p>
