int ssehubNoGuiCheck()
{
    return 0;
}
