{{%AUTOESCAPE context="HTML"}}<h1>Deletion cancelled</h1>
<p class="notice" role="status">The account will not be deleted. Every address and phone of the account was told.</p>
<p>If you did not ask for the deletion, someone knows your password: <a href="{{BASE}}/login">log in</a> and change it, or <a href="{{BASE}}/reset">reset it</a>.</p>
