{{%AUTOESCAPE context="HTML"}}<h1>Postern recovery code</h1>
<dl class="facts">
<dt>Account</dt><dd>{{USERNAME}}</dd>
<dt>Made</dt><dd><time datetime="{{MADE_ISO}}">{{MADE}}</time></dd>
</dl>
<p class="secret"><code id="recovery-code">{{CODE}}</code></p>
<p>Keep this paper somewhere safe. If you forget your password, open {{RESET_URL}} and type this code where the page asks for codes. Case, spaces and dashes do not matter. A newer code replaces this one.</p>
<p class="noprint">Print this page with your browser's Print command (Ctrl+P, or Cmd+P on a Mac). <a href="{{BASE}}/contacts/recovery-code/new">Back to your code</a></p>
