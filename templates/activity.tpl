{{%AUTOESCAPE context="HTML"}}<h1>Account activity</h1>
<h2>Open sessions</h2>
<ul class="items" id="sessions">
{{#SESSION}}<li class="session">
<strong>{{IP}}</strong>{{#CURRENT}} <span class="badge ok">this browser</span>{{/CURRENT}}
<small>Started {{STARTED}}, last seen {{SEEN}}.</small>
<small class="agent">{{AGENT}}</small>
<form method="post" action="{{BASE}}/account/activity" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<button type="submit" class="secondary">End this session<span class="visually-hidden"> from {{IP}}, started {{STARTED}}</span></button>
</form>
</li>{{/SESSION}}
</ul>
<h2>Security events</h2>
<table class="events" id="events">
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead>
<tbody>
{{#EVENT}}<tr class="event" data-kind="{{KIND}}"><td>{{WHEN}}</td><td>{{WHAT}}</td><td>{{IP}}</td><td>{{DETAIL}}</td></tr>
{{/EVENT}}</tbody>
</table>
