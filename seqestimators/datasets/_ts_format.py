def read_ts(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written
