{{%AUTOESCAPE context="HTML"}}<h1>Recovery code</h1>
<p class="warning" role="status">This recovery code can no longer be shown. Postern shows a new code only for {{VIEW_MINUTES}} minutes, in the browser that made it, until you say you saved it; then it keeps only a fingerprint.</p>
<p>If you did not save it, make a new one. The code you made before then stops working.</p>
<form method="post" action="{{BASE}}/contacts/recovery-code">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><button type="submit">Make a new recovery code</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
