"""A large synthetic municipality for load tests (``flask demo load --scale large``)."""
