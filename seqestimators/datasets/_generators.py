def make_adding_problem(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_ball_trajectory(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_burst(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_copy_memory(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_degradation(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_delayed_echo(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_flipflop(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def make_saturated_integral(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


