Please replace the address of your account

Hello,

your account uses the address {{EMAIL}}.
The domain {{DOMAIN}} is now managed by an account on this platform.
Recovery codes are never sent to addresses on managed domains,
because whoever controls a domain controls its mail.

Please log in and change your address to a personal one you control:

{{BASE_URL}}/account
