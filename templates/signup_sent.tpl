{{%AUTOESCAPE context="HTML"}}<h1>Check your mail</h1>
<p class="notice" role="status">We have sent a message to the address you gave. Open the link in it to verify your address, then log in.</p>
<p>No mail after a few minutes? Look in your spam folder, or <a href="{{BASE}}/signup">try again</a>.</p>
<p><a href="{{BASE}}/login">Log in</a></p>
