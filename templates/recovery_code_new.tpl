{{%AUTOESCAPE context="HTML"}}<h1>Your recovery code</h1>
{{#REPLACED}}<p class="warning" role="status">Your old recovery code no longer works: this one replaces it.</p>{{/REPLACED}}
<p class="notice">Save this code now: write it down, print it or download it. Postern keeps only a fingerprint of it, and shows it here only until <time datetime="{{UNTIL_ISO}}">{{UNTIL}}</time>, in this browser.</p>
<p class="secret"><code id="recovery-code">{{CODE}}</code></p>
<p>Case, spaces and dashes do not matter when you type it.</p>
<ul>
<li><a href="{{BASE}}/contacts/recovery-code/download">Download it as a text file</a></li>
<li><a href="{{BASE}}/contacts/recovery-code/print">Open a page to print</a></li>
</ul>
<form method="post" action="{{BASE}}/contacts/recovery-code/saved">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><button type="submit">I have saved it</button></p>
</form>
