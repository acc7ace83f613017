{{%AUTOESCAPE context="HTML"}}<h1>{{TITLE}}</h1>
<p class="error" role="alert">{{ERROR}}</p>
{{#LOGIN_LINK}}<p><a href="{{LOGIN_HREF}}">Log in</a></p>{{/LOGIN_LINK}}
