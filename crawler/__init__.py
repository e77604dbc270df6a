"""Discovery: the portal registry, CMS-family profiles, spiders (one per discovery method) and middlewares."""
