"""Label names shared by training and serving."""

OUT_OF_SCOPE = "out_of_scope"  # the intent of a turn that is not a flight, bus or train request
