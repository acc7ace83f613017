{{! messages.tpl: the words the programs put on pages that are not in a page's own template: every message a page or `postern` shows when it refuses something, one line each, in a section named after the outcome (lib/outcome.h); below them page titles (PAGE_ and the page template's name) and spans of time (SPAN); the activity page's words for each event kind are in activity.tpl.  NAME_TITLE, where there is one, heads an error page.  Values: WHAT (the name, address or domain concerned), OTHER (a second one), LEFT (tries left), WHEN (a date and time), and TRY_AGAIN, shown after a message whenever a limit says when: UNTIL, with MINUTES or HOURS.  Line ends are stripped: keep each message on one line.  Output is plain text; pages escape it. }}
{{#OK}}Done.{{/OK}}
{{#STORAGE_TITLE}}Please try again{{/STORAGE_TITLE}}{{#STORAGE}}Postern cannot reach its storage right now. Nothing was changed; please try again in a minute.{{/STORAGE}}
{{#BAD_REQUEST_TITLE}}Bad request{{/BAD_REQUEST_TITLE}}{{#BAD_REQUEST}}The form arrived incomplete, with a field twice, or with something it cannot hold. Please go back, reload the page and try again.{{/BAD_REQUEST}}
{{#NOT_FOUND_TITLE}}Page not found{{/NOT_FOUND_TITLE}}{{#NOT_FOUND}}There is no page at this address.{{/NOT_FOUND}}
{{#NO_SESSION_TITLE}}Please log in{{/NO_SESSION_TITLE}}{{#NO_SESSION}}You need to be logged in to see this page.{{/NO_SESSION}}
{{#AUTH_NO_SESSION_TITLE}}Please log in{{/AUTH_NO_SESSION_TITLE}}{{#AUTH_NO_SESSION}}You need to be logged in to do this. Please log in and try again.{{/AUTH_NO_SESSION}}
{{#FORM_INCOMPLETE_TITLE}}Something is missing{{/FORM_INCOMPLETE_TITLE}}{{#FORM_INCOMPLETE}}The form arrived incomplete or with a field twice. Please go back, reload the page and try again.{{/FORM_INCOMPLETE}}
{{#MALFORMED_TITLE}}Bad request{{/MALFORMED_TITLE}}{{#MALFORMED}}The request was malformed (for example a broken %-escape or a character that is not allowed). Please go back and try again.{{/MALFORMED}}
{{#TOO_LARGE_TITLE}}Too much data{{/TOO_LARGE_TITLE}}{{#TOO_LARGE}}The form sent more data than Postern accepts.{{/TOO_LARGE}}
{{#NOT_A_FORM_TITLE}}Not a form{{/NOT_A_FORM_TITLE}}{{#NOT_A_FORM}}Postern only accepts its own forms.{{/NOT_A_FORM}}
{{#WRONG_METHOD_TITLE}}Not here{{/WRONG_METHOD_TITLE}}{{#WRONG_METHOD}}This address does not take that kind of request.{{/WRONG_METHOD}}
{{#CROSS_SITE_TITLE}}Request refused{{/CROSS_SITE_TITLE}}{{#CROSS_SITE}}This form was sent from another site. Please use the form on this site.{{/CROSS_SITE}}
{{#CSRF_TITLE}}Please try again{{/CSRF_TITLE}}{{#CSRF}}This form has expired or did not come from this site. Please reload the page and send it again.{{/CSRF}}
{{#NO_RESOURCES_TITLE}}Please try again{{/NO_RESOURCES_TITLE}}{{#NO_RESOURCES}}Postern is short of resources. Please try again.{{/NO_RESOURCES}}
{{#NO_ANSWER_TITLE}}Something went wrong{{/NO_ANSWER_TITLE}}{{#NO_ANSWER}}Postern could not answer this request.{{/NO_ANSWER}}
{{#FILE_FAILED_TITLE}}Something went wrong{{/FILE_FAILED_TITLE}}{{#FILE_FAILED}}The file could not be made. Please copy the code from the page instead.{{/FILE_FAILED}}
{{#NEED_PASSWORD}}Type your password: a change to the ways into your account needs it, however recently you logged in.{{/NEED_PASSWORD}}
{{#BAD_PASSWORD}}That password is not right. Nothing was changed.{{/BAD_PASSWORD}}
{{#NEED_CODE}}Type the code your authenticator shows now: with two-step verification on, this change needs it.{{/NEED_CODE}}
{{#BAD_CODE}}That code is not right. Type the code your authenticator shows now.{{/BAD_CODE}}
{{#CODE_USED}}That code was used already: each code works once. Wait for the next one your authenticator shows.{{/CODE_USED}}
{{#CODE_LOCKED_TITLE}}Too many wrong codes{{/CODE_LOCKED_TITLE}}{{#CODE_LOCKED}}Too many wrong authenticator codes were typed for this account, so codes are not taken for a while; the owner was told.{{/CODE_LOCKED}}
{{#PASSWORD_LOCKED_TITLE}}Too many wrong passwords{{/PASSWORD_LOCKED_TITLE}}{{#PASSWORD_LOCKED}}Too many wrong passwords.{{/PASSWORD_LOCKED}}
{{#BAD_USERNAME}}Type a username of 3 to 32 characters: letters a-z, digits, dot, underscore or hyphen, starting with a letter or digit.{{/BAD_USERNAME}}
{{#BAD_EMAIL}}That does not look like an email address. Type one such as name@example.org.{{/BAD_EMAIL}}
{{#EMPTY_EMAIL}}Type an email address, such as name@example.org.{{/EMPTY_EMAIL}}
{{#EMPTY_CONTACT}}Type an email address or a phone number.{{/EMPTY_CONTACT}}
{{#BAD_PHONE}}{{#PHONE_EMPTY}}Please enter a phone number, starting with + and the country code.{{/PHONE_EMPTY}}{{#PHONE_NOT_INTERNATIONAL}}Please enter the number in international form, with + and the country code first, for example +49 30 1234567 instead of 030 1234567.{{/PHONE_NOT_INTERNATIONAL}}{{#PHONE_BAD_COUNTRY}}The country code after the + never starts with 0: for example +49 for Germany, not +049 or +0049.{{/PHONE_BAD_COUNTRY}}{{#PHONE_BAD_CHAR}}A phone number may hold only digits, a + at the start, spaces, dashes, dots, slashes and one pair of brackets.{{/PHONE_BAD_CHAR}}{{#PHONE_TOO_SHORT}}This number is too short: with its country code, a phone number has at least 8 digits.{{/PHONE_TOO_SHORT}}{{#PHONE_TOO_LONG}}This number is too long: with its country code, a phone number has at most 15 digits.{{/PHONE_TOO_LONG}}{{/BAD_PHONE}}
{{#BAD_DOMAIN}}{{#DOMAIN_EMPTY}}Type a domain name, such as example.org.{{/DOMAIN_EMPTY}}{{#DOMAIN_URL}}Type only the domain name, such as example.org, without https:// or a path.{{/DOMAIN_URL}}{{#DOMAIN_TOO_LONG}}The domain name is too long: at most 253 characters, and 63 between two dots.{{/DOMAIN_TOO_LONG}}{{#DOMAIN_BAD_LABEL}}The domain name has an empty part (two dots in a row) or a part that starts or ends with a hyphen.{{/DOMAIN_BAD_LABEL}}{{#DOMAIN_BAD_CHAR}}The domain name has a character that domain names cannot have: type letters, digits, hyphens and dots, such as example.org.{{/DOMAIN_BAD_CHAR}}{{#DOMAIN_BAD_IDN}}The domain name is not a valid internationalised name.{{/DOMAIN_BAD_IDN}}{{#DOMAIN_ONE_LABEL}}The domain name needs at least two parts, like example.org.{{/DOMAIN_ONE_LABEL}}{{#DOMAIN_NUMERIC}}That is a network address, not a domain name.{{/DOMAIN_NUMERIC}}{{/BAD_DOMAIN}}
{{#CODE_FORMAT}}Codes are 8 digits. Please type the code from the message.{{/CODE_FORMAT}}
{{#PASSWORD_LENGTH}}Type a password of 8 to 256 characters.{{/PASSWORD_LENGTH}}
{{#PASSWORD_WEAK}}That password is too common or too easy to guess. A few unrelated words make a strong one.{{/PASSWORD_WEAK}}
{{#LIMIT_MESSAGES_TITLE}}Too many messages{{/LIMIT_MESSAGES_TITLE}}{{#LIMIT_MESSAGES}}Too many messages went to that address in the last hour.{{/LIMIT_MESSAGES}}
{{#LIMIT_SIGNUPS_TITLE}}Too many signups{{/LIMIT_SIGNUPS_TITLE}}{{#LIMIT_SIGNUPS}}Too many accounts were created from your network in the last hour.{{/LIMIT_SIGNUPS}}
{{#LIMIT_RESETS_TITLE}}Too many requests{{/LIMIT_RESETS_TITLE}}{{#LIMIT_RESETS}}Too many resets were asked for from your network in the last hour.{{/LIMIT_RESETS}}
{{#LIMIT_RESETS_NAME_TITLE}}Codes already sent{{/LIMIT_RESETS_NAME_TITLE}}{{#LIMIT_RESETS_NAME}}Codes for this name were already asked for in the last hour. They can take a few minutes to arrive; please look in your spam folder too.{{/LIMIT_RESETS_NAME}}
{{#LIMIT_EMAIL}}You asked for several changes in the last hour.{{/LIMIT_EMAIL}}
{{#LIMIT_RESENDS_TITLE}}Too many codes{{/LIMIT_RESENDS_TITLE}}{{#LIMIT_RESENDS}}You asked for several codes in the last hour.{{/LIMIT_RESENDS}}
{{#LIMIT_KITS_TITLE}}Too many kits{{/LIMIT_KITS_TITLE}}{{#LIMIT_KITS}}You asked for several kits in the last day.{{/LIMIT_KITS}}
{{#LIMIT_LOGIN}}Too many failed attempts for this account from browsers it does not know. You can also reset your password.{{/LIMIT_LOGIN}}
{{#LIMIT_LOGIN_IP}}Too many failed logins from your network. You can also reset your password.{{/LIMIT_LOGIN_IP}}
{{#R1_OWN_DOMAIN}}Addresses on {{WHAT}} cannot be used for recovery here: you manage that domain, and whoever controls a domain controls its mail. Please use a personal address, such as one from your mail provider.{{/R1_OWN_DOMAIN}}
{{#R1_PLATFORM_DOMAIN}}Addresses on {{WHAT}} cannot be used for recovery here: that domain is managed on this platform, and whoever controls a domain controls its mail. Please use a personal address, such as one from your mail provider.{{/R1_PLATFORM_DOMAIN}}
{{#USERNAME_TAKEN}}That username is taken. Please choose another.{{/USERNAME_TAKEN}}
{{#LOGIN_WRONG}}That name and password do not match.{{#FEW_LEFT}} {{LEFT}} more {{#ONE_LEFT}}try{{/ONE_LEFT}}{{#MANY_LEFT}}tries{{/MANY_LEFT}}, then logging in with this name pauses for 15 minutes. If you have forgotten the password, you can reset it instead.{{/FEW_LEFT}}{{#NONE_LEFT}} Logging in with this name now pauses for 15 minutes.{{/NONE_LEFT}}{{/LOGIN_WRONG}}
{{#LOGIN_EXPIRED_TITLE}}Please log in{{/LOGIN_EXPIRED_TITLE}}{{#LOGIN_EXPIRED}}Your login has expired. Please log in again.{{/LOGIN_EXPIRED}}
{{#ACCOUNT_DISABLED_TITLE}}Account disabled{{/ACCOUNT_DISABLED_TITLE}}{{#ACCOUNT_DISABLED}}This account was disabled by the people who run this site, so it cannot log in. Please contact them if you think this is a mistake.{{/ACCOUNT_DISABLED}}
{{#NO_PHONES}}This site cannot send text messages, so phones cannot be added. Add an email address instead.{{/NO_PHONES}}
{{#IS_PRIMARY}}That is already your primary address.{{/IS_PRIMARY}}
{{#CONTACT_KNOWN}}That contact is already on your list.{{/CONTACT_KNOWN}}
{{#CONTACTS_FULL}}You have as many contacts as Postern keeps. Remove one first.{{/CONTACTS_FULL}}
{{#NO_CONTACT_TITLE}}No such contact{{/NO_CONTACT_TITLE}}{{#NO_CONTACT}}You have no contact with that reference.{{/NO_CONTACT}}
{{#CONTACT_CODE_WRONG}}That code is not right. {{LEFT}} {{#ONE_LEFT}}try{{/ONE_LEFT}}{{#MANY_LEFT}}tries{{/MANY_LEFT}} left.{{/CONTACT_CODE_WRONG}}
{{#CONTACT_CODE_SPENT}}That code was wrong five times, so it no longer works. Please send a new one.{{/CONTACT_CODE_SPENT}}
{{#CONTACT_CODE_NONE}}This code has expired or was replaced. Please send a new one.{{/CONTACT_CODE_NONE}}
{{#CONTACT_OTHER_SESSION_TITLE}}Confirm it where you added it{{/CONTACT_OTHER_SESSION_TITLE}}{{#CONTACT_OTHER_SESSION}}A contact is confirmed from the browser session that added it. Remove it and add it again here, if you like.{{/CONTACT_OTHER_SESSION}}
{{#LAST_WAY}}This is your last verified way back into your account. Add and confirm another contact before you remove it.{{/LAST_WAY}}
{{#TWOFA_PHONE}}Two-step verification depends on this phone. Add and confirm another phone, or turn two-step verification off, before you remove it.{{/TWOFA_PHONE}}
{{#TWOFA_NEED_PHONE}}Confirm a recovery phone first: if you lose your authenticator, it is your way back in.{{/TWOFA_NEED_PHONE}}
{{#TWOFA_NEED_RECOVERY_CODE}}Make a recovery code first: if you lose your authenticator, it is your way back in.{{/TWOFA_NEED_RECOVERY_CODE}}
{{#TWOFA_NOT_SET_UP}}Set up your authenticator on this page first: type your password to see the key it needs.{{/TWOFA_NOT_SET_UP}}
{{#TWOFA_SETUP_ENDED}}That was the fifth code in a row that was not right, so this setup has ended. Type your password to get a new key, and add it to your authenticator again.{{/TWOFA_SETUP_ENDED}}
{{#KITS_OFF_TITLE}}Page not found{{/KITS_OFF_TITLE}}{{#KITS_OFF}}This site does not offer recovery kits.{{/KITS_OFF}}
{{#KIT_NEEDS_EMAIL}}A kit needs a confirmed recovery email address. Add one on the contacts page first.{{/KIT_NEEDS_EMAIL}}
{{#VIEW_GONE_TITLE}}No longer shown{{/VIEW_GONE_TITLE}}{{#VIEW_GONE}}That recovery code can no longer be shown. If you did not save it, make a new one: the new code replaces it.{{/VIEW_GONE}}
{{#NO_SESSION_ID_TITLE}}No such session{{/NO_SESSION_ID_TITLE}}{{#NO_SESSION_ID}}You have no open session with that reference.{{/NO_SESSION_ID}}
{{#SAME_ADDRESS}}That is already your address.{{/SAME_ADDRESS}}
{{#ADDRESS_TAKEN}}That address belongs to another account.{{/ADDRESS_TAKEN}}
{{#LINK_BROKEN_TITLE}}Broken link{{/LINK_BROKEN_TITLE}}{{#LINK_BROKEN}}This link is incomplete. Please copy the whole link from the message.{{/LINK_BROKEN}}
{{#LINK_STALE_TITLE}}Link no longer valid{{/LINK_STALE_TITLE}}{{#LINK_STALE}}This link has already been used, was replaced by a newer one, or has expired.{{/LINK_STALE}}
{{#ADDRESS_NOW_TAKEN_TITLE}}The address cannot be used{{/ADDRESS_NOW_TAKEN_TITLE}}{{#ADDRESS_NOW_TAKEN}}That address now belongs to another account.{{/ADDRESS_NOW_TAKEN}}
{{#ADDRESS_NOW_MANAGED_TITLE}}The address cannot be used{{/ADDRESS_NOW_MANAGED_TITLE}}{{#ADDRESS_NOW_MANAGED}}That address is on a managed domain now (rule R1). Please choose a personal address.{{/ADDRESS_NOW_MANAGED}}
{{#NAME_NEEDED}}Type your username or email address.{{/NAME_NEEDED}}
{{#RESET_LOCKED_TITLE}}Please contact your hoster{{/RESET_LOCKED_TITLE}}{{#RESET_LOCKED}}Automatic recovery is switched off for this account. Please contact the people who run this site: they can help you get back in.{{/RESET_LOCKED}}
{{#RESET_NOT_RIGHT}}These codes are not right, or no longer valid. Codes work for 15 minutes and five tries, in the browser that asked for them; you can ask for new ones on the reset page.{{/RESET_NOT_RIGHT}}
{{#RESET_NEED_TWO}}Two-step verification is on for this account, so recovery needs two proofs from different places: for example a code we sent plus your recovery code, phone or kit.{{/RESET_NEED_TWO}}
{{#RESET_NEED_NON_EMAIL}}Two-step verification is on for this account, so one proof must be something other than an email: your authenticator, your phone, your recovery code or your recovery kit.{{/RESET_NEED_NON_EMAIL}}
{{#RESET_TOO_NEW}}Those codes are right, but the ways in they prove were added less than a day ago: a new way in cannot recover the account until it is old enough, on {{WHEN}}. Nothing was used up.{{/RESET_TOO_NEW}}
{{#RESET_ONE_TOTP}}Type your authenticator's code once: each try may carry one.{{/RESET_ONE_TOTP}}
{{#RESET_TOO_MANY_CODES}}Too many codes.{{/RESET_TOO_MANY_CODES}}
{{#RESET_NOTHING_PENDING_TITLE}}Nothing to do{{/RESET_NOTHING_PENDING_TITLE}}{{#RESET_NOTHING_PENDING}}There is no pending password change to act on.{{/RESET_NOTHING_PENDING}}
{{#RESET_NOT_OLDER_TITLE}}Not allowed{{/RESET_NOT_OLDER_TITLE}}{{#RESET_NOT_OLDER}}Only a browser that was logged in before the reset, or the link from the message, can do this.{{/RESET_NOT_OLDER}}
{{#RESET_MAILED_ONLY_TITLE}}Not from this page{{/RESET_MAILED_ONLY_TITLE}}{{#RESET_MAILED_ONLY}}Without two-step verification, a logged-in page cannot confirm a reset: the new password takes effect on its own on {{WHEN}}{{#CONFIRM_MAILED}}, or at once with the confirm link we mailed to your other addresses{{/CONFIRM_MAILED}}.{{/RESET_MAILED_ONLY}}
{{#RESET_AUTH_TOO_NEW_TITLE}}Not yet{{/RESET_AUTH_TOO_NEW_TITLE}}{{#RESET_AUTH_TOO_NEW}}Your authenticator was set up less than a day ago, so it cannot act on a reset yet. Use the link we mailed, or your password to stop it.{{/RESET_AUTH_TOO_NEW}}
{{#RESET_STALE_TITLE}}Link no longer valid{{/RESET_STALE_TITLE}}{{#RESET_STALE}}This link has been used, has expired, or its password change is no longer pending.{{/RESET_STALE}}
{{#RESET_STOPPED_LOCKED_TITLE}}Please contact your hoster{{/RESET_STOPPED_LOCKED_TITLE}}{{#RESET_STOPPED_LOCKED}}This password change was stopped: automatic recovery is switched off for this account. Please contact the people who run this site: they can help you get back in.{{/RESET_STOPPED_LOCKED}}
{{#RESET_PASSWORD_TOO_NEW_TITLE}}Not with this password yet{{/RESET_PASSWORD_TOO_NEW_TITLE}}{{#RESET_PASSWORD_TOO_NEW}}Your password was changed recently, so it cannot stop a reset until {{WHEN}}: whoever learnt the old one could have changed it. Use the stop link we sent to your addresses and phones, or a code from your authenticator.{{/RESET_PASSWORD_TOO_NEW}}
{{#DELETE_NOTHING_PENDING_TITLE}}Nothing to cancel{{/DELETE_NOTHING_PENDING_TITLE}}{{#DELETE_NOTHING_PENDING}}This account is not waiting to be deleted: the deletion was cancelled already, or it has taken effect.{{/DELETE_NOTHING_PENDING}}
{{#PASSWORD_RESET_WAITS_TITLE}}A password reset is waiting{{/PASSWORD_RESET_WAITS_TITLE}}{{#PASSWORD_RESET_WAITS}}A password reset of this account is waiting to take effect on {{WHEN}}, and it would replace the password you set here. Your password was changed recently, so it cannot stop that reset: use the stop link we sent to your addresses and phones (or, if you asked for the reset yourself, let it happen), then change your password.{{/PASSWORD_RESET_WAITS}}
{{#DELETE_PENDING}}This account is already waiting to be deleted, on {{WHEN}}.{{/DELETE_PENDING}}
{{#DOMAIN_SUFFIX}}{{WHAT}} is a public suffix, shared by many owners: you can only manage a name below it.{{/DOMAIN_SUFFIX}}
{{#DOMAIN_ELSEWHERE}}{{WHAT}} is managed by another account. If it is yours, ask your hoster for help.{{/DOMAIN_ELSEWHERE}}
{{#DOMAIN_KNOWN}}{{WHAT}} is already on your list.{{/DOMAIN_KNOWN}}
{{#DOMAIN_NOT_FOUND}}We did not find the TXT record for {{WHAT}} yet. Check the name and value below; DNS changes can take a while to appear.{{/DOMAIN_NOT_FOUND}}
{{#DOMAIN_R1}}You cannot manage {{WHAT}} while your address {{OTHER}} is on it: a broken DNS record could then lock you out. Replace that address with a personal one first (rule R1).{{/DOMAIN_R1}}
{{#NO_DOMAIN}}That domain is not on your list.{{/NO_DOMAIN}}
{{#NO_ACCOUNT}}There is no account {{WHAT}}.{{/NO_ACCOUNT}}
{{#TWOFA_ALREADY_OFF}}Two-step verification is not on for {{WHAT}}: nothing to reset.{{/TWOFA_ALREADY_OFF}}
{{! The title of an error page whose outcome has none: for a fault of Postern's (5xx), and for the others. }}
{{#FALLBACK_SERVER_TITLE}}Please try again{{/FALLBACK_SERVER_TITLE}}{{#FALLBACK_TITLE}}Please check{{/FALLBACK_TITLE}}
{{! A span of time, N of a unit. }}
{{#SPAN}}{{N}} {{#DAYS}}days{{/DAYS}}{{#HOUR}}hour{{/HOUR}}{{#HOURS}}hours{{/HOURS}}{{#MINUTE}}minute{{/MINUTE}}{{#MINUTES}}minutes{{/MINUTES}}{{#SECONDS}}seconds{{/SECONDS}}{{/SPAN}}
{{! Page titles: PAGE_ and the template's name. }}
{{#PAGE_ACCOUNT}}Your account{{/PAGE_ACCOUNT}}
{{#PAGE_ACTIVITY}}Account activity{{/PAGE_ACTIVITY}}
{{#PAGE_CONTACTS}}Recovery contacts{{/PAGE_CONTACTS}}
{{#PAGE_CONTACT_VERIFY}}Confirm a contact{{/PAGE_CONTACT_VERIFY}}
{{#PAGE_RECOVERY_CODE}}Recovery code{{/PAGE_RECOVERY_CODE}}
{{#PAGE_RECOVERY_CODE_GONE}}Recovery code{{/PAGE_RECOVERY_CODE_GONE}}
{{#PAGE_RECOVERY_CODE_NEW}}Your recovery code{{/PAGE_RECOVERY_CODE_NEW}}
{{#PAGE_RECOVERY_CODE_PRINT}}Recovery code to print{{/PAGE_RECOVERY_CODE_PRINT}}
{{#PAGE_KIT}}Recovery kit{{/PAGE_KIT}}
{{#PAGE_TWOFA}}Two-step verification{{/PAGE_TWOFA}}
{{#PAGE_DOMAINS}}Your domains{{/PAGE_DOMAINS}}
{{#PAGE_EMAIL}}Email address{{/PAGE_EMAIL}}
{{#PAGE_EMAIL_CONFIRM}}Confirm your new address{{/PAGE_EMAIL_CONFIRM}}
{{#PAGE_EMAIL_REVERT}}Undo the address change{{/PAGE_EMAIL_REVERT}}
{{#PAGE_LOGIN}}Log in{{/PAGE_LOGIN}}
{{#PAGE_LOGIN_2FA}}Two-step verification{{/PAGE_LOGIN_2FA}}
{{#PAGE_RESET}}Forgotten password{{/PAGE_RESET}}
{{#PAGE_RESET_PENDING}}Reset waiting{{/PAGE_RESET_PENDING}}
{{#PAGE_RESET_REJECTED}}Reset cancelled{{/PAGE_RESET_REJECTED}}
{{#PAGE_RESET_PROVE}}Prove it is you{{/PAGE_RESET_PROVE}}
{{#PAGE_RESET_CONFIRM}}Confirm the new password{{/PAGE_RESET_CONFIRM}}
{{#PAGE_RESET_REJECT}}Stop the password change{{/PAGE_RESET_REJECT}}
{{#PAGE_SIGNUP}}Create an account{{/PAGE_SIGNUP}}
{{#PAGE_SIGNUP_SENT}}Check your mail{{/PAGE_SIGNUP_SENT}}
{{#PAGE_VERIFY}}Verify your address{{/PAGE_VERIFY}}
{{#PAGE_ACCOUNT_PASSWORD}}Change your password{{/PAGE_ACCOUNT_PASSWORD}}
{{#PAGE_ACCOUNT_DELETE}}Delete your account{{/PAGE_ACCOUNT_DELETE}}
{{#PAGE_ACCOUNT_DELETE_CANCEL}}Cancel the deletion{{/PAGE_ACCOUNT_DELETE_CANCEL}}
{{#PAGE_ACCOUNT_DELETE_CANCELLED}}Deletion cancelled{{/PAGE_ACCOUNT_DELETE_CANCELLED}}
{{#PAGE_ACCOUNT_EXPORT}}Export your data{{/PAGE_ACCOUNT_EXPORT}}
{{#TRY_AGAIN}} You can try again on {{UNTIL}}{{#IN_MINUTES}}, in {{MINUTES}} minute{{#PLURAL}}s{{/PLURAL}}{{/IN_MINUTES}}{{#IN_HOURS}}, in about {{HOURS}} hours{{/IN_HOURS}}.{{/TRY_AGAIN}}
{{! Notices: what a page confirms once, after an action (NOTICE_ and the word the handler kept, app.c page_notice()). }}
{{#NOTICE_LOGIN_FIRST}}Log in to continue: you will then see the page you asked for.{{/NOTICE_LOGIN_FIRST}}
{{#NOTICE_LOGGED_OUT}}You are logged out.{{/NOTICE_LOGGED_OUT}}
{{#NOTICE_CONTACT_ADDED}}Contact added. We sent it a code: type it under the contact to confirm it.{{/NOTICE_CONTACT_ADDED}}
{{#NOTICE_CONTACT_VERIFIED}}Contact confirmed: it can now help you back into your account.{{/NOTICE_CONTACT_VERIFIED}}
{{#NOTICE_CONTACT_REMOVED}}Contact removed.{{/NOTICE_CONTACT_REMOVED}}
{{#NOTICE_RECOVERY_CODE_SAVED}}Your recovery code is saved. Keep it somewhere only you can reach.{{/NOTICE_RECOVERY_CODE_SAVED}}
{{#NOTICE_TWOFA_ON}}Two-step verification is on. Logging in now also asks for a code from your authenticator.{{/NOTICE_TWOFA_ON}}
{{#NOTICE_TWOFA_OFF}}Two-step verification is off. Logging in now asks only for your password.{{/NOTICE_TWOFA_OFF}}
{{#NOTICE_DOMAIN_ADDED}}Domain added. Publish the TXT record below, then check it.{{/NOTICE_DOMAIN_ADDED}}
{{#NOTICE_DOMAIN_VERIFIED}}Domain verified: you manage it now.{{/NOTICE_DOMAIN_VERIFIED}}
{{#NOTICE_DOMAIN_REMOVED}}Domain removed.{{/NOTICE_DOMAIN_REMOVED}}
{{#NOTICE_SESSION_ENDED}}That session is logged out.{{/NOTICE_SESSION_ENDED}}
{{#NOTICE_SESSIONS_ENDED}}Every other session is logged out.{{/NOTICE_SESSIONS_ENDED}}
{{#NOTICE_DELETE_ASKED}}Deletion asked for. We told every address and phone, with a link to cancel it.{{/NOTICE_DELETE_ASKED}}
{{#NOTICE_DELETE_CANCELLED}}The deletion is cancelled: your account stays.{{/NOTICE_DELETE_CANCELLED}}
