{{%AUTOESCAPE context="HTML"}}<h1>The password change is stopped</h1>
<p class="notice" role="status">The new password will never work, and every reset code sent with it is void. Your password is unchanged.</p>
<p>If you did not ask for the reset, someone may have access to one of your addresses or phones: check them, and think about changing your password.</p>
<p><a href="{{BASE}}/login">Log in</a></p>
