the password change of {{USERNAME}} was stopped{{#BY_HOSTER}} by the people who run the site{{/BY_HOSTER}}{{#BY_ADMIN}} by the people who run the site{{/BY_ADMIN}}. Your password is unchanged.
