/*
 * outcome.c: the name and status of each outcome, from the one list in
 * outcome.h.
 */
#include "outcome.h"

static const struct {
	const char *name;
	int	    status;
} outcomes[OUT_NOUTCOMES] = {
#define X(name, status) [OUT_##name] = { #name, status },
	OUTCOMES
#undef X
};

const char *
outcome_name(enum outcome o)
{
	if ((unsigned)o >= OUT_NOUTCOMES)
		return "STORAGE";
	return outcomes[o].name;
}

int
outcome_status(enum outcome o)
{
	if ((unsigned)o >= OUT_NOUTCOMES)
		return 500;
	return outcomes[o].status;
}
