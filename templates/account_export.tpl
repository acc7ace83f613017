{{%AUTOESCAPE context="HTML"}}<h1>Export your data</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<p>Download what Postern keeps about your account as a JSON file: your profile, recovery contacts, domains, sessions and activity. It holds no password, secret or code.</p>
<form method="post" action="{{BASE}}/account/export">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required
 aria-describedby="password-help">
<small id="password-help">Your contacts are in it, so the export needs your password{{#NEED_CODE}} and a code from your authenticator{{/NEED_CODE}}.</small></p>
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_CODE}}
<p><button type="submit">Download my data</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
