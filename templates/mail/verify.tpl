Verify your address

Hello {{USERNAME}},

please confirm that this address belongs to your new account by
opening this link and pressing the button on the page:

{{LINK}}

The link works once and expires in 24 hours. If you did not create this
account, ignore this mail: nothing happens without the button.
