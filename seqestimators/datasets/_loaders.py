def load_airline(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def load_basic_motions(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


def load_japanese_vowels(*args, **kwargs):
    raise NotImplementedError  # placeholder, being written


