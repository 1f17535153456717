-- Like every other element, a person keeps the location as it was given: the house's external id or its address.
ALTER TABLE person ADD COLUMN raw_location TEXT;
