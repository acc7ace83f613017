Please replace your Postern address

Hello,

your Postern account uses the address {{EMAIL}}.
The domain {{DOMAIN}} is now managed by an account on this platform.
Postern does not send recovery codes to addresses on managed domains,
because whoever controls a domain controls its mail.

Please log in and change your address to a personal one you control:

{{BASE_URL}}/account
