-- Every member image of every dataset version: its label and label source at creation, class index and assigned split.
SELECT * FROM _t_dataset_members
