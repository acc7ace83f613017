{{%AUTOESCAPE context="HTML"}}<h1>Cancel the deletion</h1>
<p>This account is set to be deleted on <time datetime="{{WHEN_ISO}}">{{WHEN}}</time>. Press the button to cancel the deletion and keep the account as it is.</p>
<form method="post" action="{{BASE}}/account/delete/cancel">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Keep my account</button></p>
</form>
