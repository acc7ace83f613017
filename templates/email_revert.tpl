{{%AUTOESCAPE context="HTML"}}<h1>Undo the address change</h1>
<p>Press the button to make <strong>{{OLD}}</strong> the address of this Postern account again. Every session is logged out, and any waiting password reset or address change is cancelled.</p>
<form method="post" action="{{BASE}}/email/revert">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Restore my old address</button></p>
</form>
