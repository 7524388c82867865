-- Partition keys of documents: their province (as detected) and the year of publication.
SELECT *, year(published) AS year FROM query($sql);
