{{%AUTOESCAPE context="HTML"}}<h1>Your recovery code</h1>
<p class="notice" role="status">Write this code down now. It is shown only this once; any older code no longer works.</p>
<p class="secret"><code id="recovery-code">{{CODE}}</code></p>
<p>Case, spaces and dashes do not matter when you type it.</p>
<p><a href="{{BASE}}/contacts">I have written it down</a></p>
