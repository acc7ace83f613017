Your account was deleted

Hello {{USERNAME}},

the people who run this site deleted your account on {{WHEN}}, with its
recovery contacts, sessions and history. You can no longer log in with
it, and no more mail will come from it.

If you did not expect this, please contact them.
