the address of {{USERNAME}} changed to {{MASKED}}. Not you? Use the undo link sent to the old address.
