{{%AUTOESCAPE context="HTML"}}<h1>Stop the password change</h1>
<p>A new password for this account is waiting to take effect on <time datetime="{{DEADLINE_ISO}}">{{DEADLINE}}</time>. If you did not ask for it, press the button: the change is cancelled, its codes stop working, and your password stays as it is.</p>
<form method="post" action="{{BASE}}/reset/reject">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_T}}<input type="hidden" name="t" value="{{T}}">{{/HAS_T}}
{{#NEED_PROOF}}<p>From a logged-in browser, stopping it needs your password{{#NEED_TOTP}} or a code from your authenticator{{/NEED_TOTP}}: whoever borrows this browser must not be able to stop your own reset.</p>
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
{{#NEED_TOTP}}<p><label for="code">or a code from your authenticator</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16"></p>{{/NEED_TOTP}}{{/NEED_PROOF}}
<p><button type="submit">Stop the password change</button></p>
</form>
