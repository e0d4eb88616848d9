"""The rules a web server follows for the site, read back as `newsdigest serve` reads them."""

from newsdigest.site.addresses.server_rules import OldAddresses, redirects_file


def test_old_addresses_read_back_from_the_redirects_file_in_every_spelling_nginx_accepts():
    text = redirects_file({"/2015/11/20/old/": "/2015/11/20/new/"}, ["/2015/11/19/gone/"])
    addresses = OldAddresses.from_redirects_file(text)
    for spelling in ("/2015/11/20/old/", "/2015/11/20/old", "/2015/11/20/old/index.html"):
        assert addresses.answer(spelling) == (301, "/2015/11/20/new/")
    assert addresses.answer("/2015/11/19/gone") == (410, None)
    assert addresses.answer("/2015/11/20/new/") is None
    assert addresses.answer("/") is None
    assert OldAddresses.from_redirects_file("# nothing yet\n").answer("/2015/11/20/old/") is None
