{{%AUTOESCAPE context="HTML"}}<h1>Confirm a contact</h1>
{{#SENT}}<p class="notice" role="status">We sent a new code to {{VALUE}}. The old one no longer works.</p>{{/SENT}}
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_CODE}}<li><a href="#code">Code</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>Type the 8-digit code we sent to <strong>{{VALUE}}</strong>. It works for 15 minutes.</p>
<form method="post" action="{{BASE}}/contacts/verify">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<p><label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}
<p><button type="submit">Confirm</button></p>
</form>
<form method="post" action="{{BASE}}/contacts/verify">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<input type="hidden" name="resend" value="1">
<p><button type="submit" class="secondary">Send a new code</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
