{{%AUTOESCAPE context="HTML"}}<h1>Confirm your new address</h1>
<p>Press the button to make <strong>{{NEW}}</strong> the address of your Postern account. The old address will be told, with a link to undo the change.</p>
<form method="post" action="{{BASE}}/email/confirm">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Use this address</button></p>
</form>
