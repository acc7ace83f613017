{{%AUTOESCAPE context="HTML"}}<h1>Undo the address change</h1>
<p>Press the button to make <strong>{{OLD}}</strong> the address of this Postern account again. Every session is logged out, and any waiting {{#VOIDS_RESETS}}password reset or {{/VOIDS_RESETS}}address change is cancelled.</p>
{{#RESET_WAITS}}<div class="notice" role="status" id="revert-reset-waits"><p>A password reset is waiting: it takes effect on <time datetime="{{DEADLINE_ISO}}">{{DEADLINE}}</time>. Undoing the address change now cancels it, whoever asked for it.</p>
{{#WAIT_FIRST}}<p>If you asked for that reset yourself, you may let it take effect first and undo the address change after: this link works until <time datetime="{{LINK_UNTIL_ISO}}">{{LINK_UNTIL}}</time>. If you did not ask for it, undo now.</p>{{/WAIT_FIRST}}
{{#LINK_FIRST}}<p>This link stops working on <time datetime="{{LINK_UNTIL_ISO}}">{{LINK_UNTIL}}</time>, before the reset takes effect. If you did not ask for the reset, undo now.</p>{{/LINK_FIRST}}</div>
{{/RESET_WAITS}}{{#RESET_STAYS}}<div class="notice" role="status" id="revert-reset-stays"><p>A password reset is waiting: it takes effect on <time datetime="{{DEADLINE_ISO}}">{{DEADLINE}}</time>. This address is too new to stop a reset, so undoing the change leaves it waiting.</p>
<p>If you did not ask for it, log in with your password and stop it on your account page, or use the stop link mailed to your other addresses.</p></div>
{{/RESET_STAYS}}<form method="post" action="{{BASE}}/email/revert">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="t" value="{{T}}">
<p><button type="submit">Restore my old address</button></p>
</form>
