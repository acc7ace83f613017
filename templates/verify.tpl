{{%AUTOESCAPE context="HTML"}}<h1>Verify your address</h1>
<p>Press the button to confirm that this address belongs to your Postern account.</p>
<form method="post" action="{{BASE}}/verify">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Verify my address</button></p>
</form>
