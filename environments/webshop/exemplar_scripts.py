"""The scripted episodes the WebShop exemplar sets E0-E2 are made from (`python -m
agent.exemplars.make` plays them; see agent/exemplars/make.py). Each plays a goal outside the test
and training splits; the state before step `at` becomes the exemplar."""

from __future__ import annotations

from environments.spec import ExemplarScript, Step

BUY = "click[buy now]"


_script = ExemplarScript.of


SCRIPTS: tuple[ExemplarScript, ...] = (
    # ---------------------------------------------------------------- WebShop, goals >= 600
    _script("E0", 600, 0,
        Step("search[mascara]", "Far too broad: every mascara comes back and the long lasting "
                                "ones for sensitive skin get buried."),
        Step("search[lavender long lasting mascara for sensitive skin]",
             "The request wants a long lasting mascara for sensitive skin in lavender; a query "
             "with all of those words brings matching tubes to the top."),
        Step("click[b076on97lk]", "Silkbloom Long Lasting Mascara, Sensitive Skin matches the "
                                  "request and costs $20.5, under the 50 dollar limit."),
        Step("click[lavender]", "The customer asked for lavender."),
        Step(BUY, "Lavender is selected and the price fits, so buy.")),
    _script("E0", 611, 3,
        Step("click[habanero]", "That would swap the requested green chile for another flavor."),
        Step("search[sugar free green chile hot sauce]",
             "The request is a sugar free hot sauce with green chile flavor; search for exactly that."),
        Step("click[b036am948m]", "Tall Grass Premium Sugar Free Hot Sauce is sugar free, offers "
                                  "green chile and costs $7.99, far under the 50 dollar limit."),
        Step("click[green chile]", "The customer wants the green chile flavor."),
        Step(BUY, "Green chile is selected and the sauce is sugar free and within budget; buy it.")),
    _script("E1", 603, 1,
        Step("click[b02m4l2o8k]", "At $267.99 it is far over the 110 dollar limit."),
        Step("search[wifi security camera motion detection 2 pack]",
             "The request is a wifi security camera with motion detection in a 2 pack; those "
             "words make a focused query."),
        Step("click[b04xgsvhbl]", "Peakline Ultra Motion Detection WiFi Security Camera costs "
                                  "$37.5, under the 110 dollar limit, and the title fits the request."),
        Step("click[2 pack]", "The customer asked for a 2 pack."),
        Step(BUY, "The 2 pack is chosen and the price fits; buy.")),
    _script("E1", 609, 2,
        Step("click[back to search]", "This jerky fits the request and the budget; starting over "
                                      "throws that away."),
        Step("search[gluten free keto beef jerky black pepper]",
             "The request is a gluten free, keto friendly beef jerky with black pepper flavor; "
             "search for those words and pick the flavor on the item page."),
        Step("click[b00j0qtazh]", "Stonehouse Keto Friendly Beef Jerky, Gluten Free has both "
                                  "features, costs $8.99 (the limit is 70) and comes in black pepper."),
        Step("click[black pepper]", "The customer wants black pepper; choose it before buying."),
        Step(BUY, "The flavor is chosen and the price fits; buy.")),
    _script("E2", 615, 0,
        Step("search[earbuds]", "Too general: the results mix every kind of earbud, wired ones included."),
        Step("search[true wireless earbuds black fast charging]",
             "The request is black true wireless earbuds with fast charging under 110 dollars; "
             "search for its features."),
        Step("click[b05cp85vn4]", "Vantage Labs Elite Fast Charging True Wireless Earbuds cost "
                                  "$28.99 and come in black."),
        Step("click[black]", "The customer asked for black."),
        Step(BUY, "Black is chosen and the price is far under the limit; buy.")),
    _script("E2", 605, 1,
        Step("click[back to search]", "The first listing already fits the request; a new search "
                                      "only costs steps."),
        Step("search[wall mount router ax3000]",
             "The request is a wall mount router rated ax3000 under 210 dollars."),
        Step("click[b03yqc0lml]", "Arcwave Pro Wall Mount Mesh WiFi Router costs $61.99, well "
                                  "under the limit, and is offered as ax3000."),
        Step("click[ax3000]", "The customer wants the ax3000 rating; select it before buying."),
        Step(BUY, "Ax3000 is selected and the router has a wall mount; buy.")),
)
