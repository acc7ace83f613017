{{%AUTOESCAPE context="HTML"}}<h1>Email address</h1>
{{#SENT}}<p class="notice" role="status">We sent a link to the new address. Your address changes when someone presses the button on that link's page; until then the current one stays in force.</p>{{/SENT}}
{{#CHANGED}}<p class="notice" role="status">Your new address is confirmed and in force. Your old address was told, with a link to undo the change.</p>{{/CHANGED}}
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_EMAIL}}<li><a href="#email">New email address</a>: {{MESSAGE}}</li>{{/ERR_EMAIL}}{{#ERR_PASSWORD}}<li><a href="#password">Your password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#ERR_CODE}}<li><a href="#code">Code from your authenticator app</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>Your address is <strong id="current-email">{{EMAIL}}</strong>. It is where we send recovery codes and notices.</p>
{{#WAITING}}<p class="warning" role="status">A change to <strong>{{WAITING_FOR}}</strong> is waiting for its confirmation link to be used.</p>{{/WAITING}}
<h2>Change it</h2>
<form method="post" action="{{BASE}}/email">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="email">New email address</label>
<input id="email" name="email" type="email" value="{{TYPED}}" required maxlength="254" autocomplete="email"{{#ERR_EMAIL}} aria-invalid="true" aria-describedby="email-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_EMAIL}}></p>
{{#ERR_EMAIL}}<p class="field-error" id="email-error">{{MESSAGE}}</p>{{/ERR_EMAIL}}
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required
 aria-describedby="password-help{{#ERR_PASSWORD}} password-error{{/ERR_PASSWORD}}"{{#ERR_PASSWORD}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}>
<small id="password-help">Your address is a way into your account, so changing it needs your password{{#NEED_CODE}} and a code from your authenticator{{/NEED_CODE}}.</small></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}{{/NEED_CODE}}
<p><button type="submit">Send a confirmation link</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
