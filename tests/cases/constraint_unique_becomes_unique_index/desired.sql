CREATE TABLE p (id int, v int);
CREATE UNIQUE INDEX p_id ON p (id);
