{{%AUTOESCAPE context="HTML"}}<h1>Recovery code</h1>
<p>A recovery code is one of the proofs that let you reset your password. Write it on paper, print it or download it, and keep it somewhere safe. Postern keeps only a fingerprint of it: a new code is shown for {{VIEW_MINUTES}} minutes, in the browser that made it, until you say you saved it.</p>
{{#UNSAVED}}<p class="notice" role="status">You made a code at {{UNSAVED_AT}} and have not said yet that you saved it. <a href="{{BASE}}/contacts/recovery-code/new">Show it again</a></p>{{/UNSAVED}}
{{#HAS_CODE}}<p>You made your current code on {{SINCE}}. A new one replaces it: the old one stops working.</p>{{/HAS_CODE}}
{{#NO_CODE}}<p>You have no recovery code yet.</p>{{/NO_CODE}}
<form method="post" action="{{BASE}}/contacts/recovery-code">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><button type="submit">Make a new recovery code</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
