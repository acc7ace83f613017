{{%AUTOESCAPE context="HTML"}}{{#ASK}}<h1>Cancel the deletion</h1>
<p>This account is set to be deleted on <time datetime="{{WHEN_ISO}}">{{WHEN}}</time>. Press the button to cancel the deletion and keep the account as it is.</p>
<form method="post" action="{{BASE}}/account/delete/cancel">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Keep my account</button></p>
</form>{{/ASK}}
{{#CANCELLED}}<h1>Deletion cancelled</h1>
<p class="notice" role="status">The account will not be deleted. Every address and phone of the account was told.</p>
<p>If you did not ask for the deletion, someone knows your password: <a href="{{BASE}}/login">log in</a> and change it, or <a href="{{BASE}}/reset">reset it</a>.</p>{{/CANCELLED}}
