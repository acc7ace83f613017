{{%AUTOESCAPE context="HTML"}}<h1>Stop the password change</h1>
<p>A new password for this account is waiting to take effect on {{DEADLINE}}. If you did not ask for it, press the button: the change is cancelled, its codes stop working, and your password stays as it is.</p>
<form method="post" action="{{BASE}}/reset/reject">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_T}}<input type="hidden" name="t" value="{{T}}">{{/HAS_T}}
<p><button type="submit">Stop the password change</button></p>
</form>
