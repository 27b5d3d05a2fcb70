package jobs

// CleanUpInsertOpts lets tests insert clean-up jobs as the scheduler does.
var CleanUpInsertOpts = cleanUpInsertOpts
