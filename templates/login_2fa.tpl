{{%AUTOESCAPE context="HTML"}}<h1>Two-step verification</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<p>Open your authenticator app and type the 6-digit code it shows for Postern.</p>
<form method="post" action="{{BASE}}/login/2fa">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_NEXT}}<input type="hidden" name="next" value="{{NEXT}}">{{/HAS_NEXT}}
<p><label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus></p>
<p><button type="submit">Continue</button></p>
</form>
<p>Lost your authenticator? <a href="{{BASE}}/reset">Recover your account</a>.</p>
