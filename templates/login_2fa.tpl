{{%AUTOESCAPE context="HTML"}}<h1>Two-step verification</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_CODE}}<li><a href="#code">Code</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>Open your authenticator app and type the 6-digit code it shows for Postern.</p>
<form method="post" action="{{BASE}}/login/2fa">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_NEXT}}<input type="hidden" name="next" value="{{NEXT}}">{{/HAS_NEXT}}
<p><label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus{{#ERR_CODE}} aria-invalid="true" aria-describedby="code-error"{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/ERR_CODE}}
<p><button type="submit">Continue</button></p>
</form>
<p>Lost your authenticator? <a href="{{BASE}}/reset">Recover your account</a>.</p>
