{{%AUTOESCAPE context="HTML"}}<h1>Recovery code</h1>
<p>A recovery code is one of the proofs that let you reset your password. Write it on paper and keep it somewhere safe. Postern keeps only a fingerprint of it and can never show it again.</p>
{{#HAS_CODE}}<p>You made your current code on {{SINCE}}. A new one replaces it: the old one stops working.</p>{{/HAS_CODE}}
{{#NO_CODE}}<p>You have no recovery code yet.</p>{{/NO_CODE}}
<form method="post" action="{{BASE}}/contacts/recovery-code">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><button type="submit">Make a new recovery code</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
