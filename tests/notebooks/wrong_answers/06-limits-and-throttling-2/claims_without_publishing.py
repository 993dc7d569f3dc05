# Claims 40 acknowledged messages without publishing any.
my_acknowledged = 40
